"""Words that only frame a number (folded): calendar words, 'số', money and count units.

A number in a claim is linked to what it is the number of by the words around it; these words say what kind of
number it is, not whose it is, so they never count as that link (rag.evidence.supports).
"""

from __future__ import annotations

NUMBER_FRAME_WORDS: frozenset[str] = frozenset((
    "ngay", "thang", "nam", "quy", "tuan", "gio", "phut", "so", "ky", "hieu", "dot", "lan", "giai", "doan",
    "dong", "vnd", "trieu", "ty", "nghin", "ngan", "tram", "muoi", "usd",
    "nguoi", "luot", "cuoc", "buoi", "tin", "bai", "hoi", "nghi", "chuong", "trinh", "phan", "tram", "%",
    "khoang", "gan", "tren", "duoi", "hon", "tong", "cong", "la", "vao", "tu", "den", "truoc", "sau",
))
