"""Who does what by when: the words of implementation sections, agency names, deadlines and reports, as data.

All entries are folded (`rag.text.fold`: lower case, no diacritics) so matching ignores accents and case.
Used by `rag.tasks` (extraction) and `rag.tasks_answer` (questions about tasks).
"""

from __future__ import annotations

import re

# Headings of the sections that assign duties ("IV. TỔ CHỨC THỰC HIỆN", "Điều 10. Trách nhiệm thực hiện").
TASK_HEADINGS: tuple[str, ...] = (
    "to chuc thuc hien", "phan cong", "trach nhiem", "nhiem vu cu the", "phan cong nhiem vu",
    "trach nhiem thuc hien", "dieu khoan thi hanh", "to chuc trien khai",
)
# Headings of sections on reporting duties, matched anywhere in the heading ("VI. TỔ CHỨC THEO DÕI, KIỂM TRA VÀ CHẾ
# ĐỘ BÁO CÁO"): each sentence is a duty of the agency it opens with.
REPORT_HEADINGS: tuple[str, ...] = ("che do bao cao", "che do thong tin, bao cao", "thoi gian bao cao")
# Deadline kinds that make a sentence outside those sections a dated duty.
DATED_KINDS: tuple[str, ...] = ("before", "on", "monthly_day")

# At most this many words may follow such a heading ("Tổ chức thực hiện Kế hoạch" yes; "Trách nhiệm của cơ quan
# dân cử trong …" no: that is a content item).
HEADING_EXTRA_WORDS = 3

# A section without such a heading still assigns duties when at least this many of its subsections (and half
# of them) are headed by an agency name.
MIN_AGENCY_SUBSECTIONS = 3

# First words of an agency name in a subsection heading ("1. Sở Văn hóa, Thể thao và Du lịch").
AGENCY_STARTS: tuple[str, ...] = (
    "so", "ban", "uy ban", "ubnd", "ub mttq", "cong an", "bo chi huy", "dai", "bao", "hoi", "lien doan", "ldld",
    "tinh doan", "thanh doan", "doan thanh nien", "mttq", "mat tran", "cac xa", "cac phuong", "cac so", "cac co quan",
    "cac don vi", "cac dia phuong", "cac huyen", "cac hoi", "cac ban", "cac to chuc", "cac doanh nghiep", "van phong",
    "trung tam", "thuong truc", "dang uy", "huyen uy", "thanh uy", "tinh uy", "cong doan", "bo", "cuc", "chi cuc",
    "ngan hang", "kho bac", "thanh tra", "vien", "truong", "benh vien", "hoi dong", "hdnd", "lien minh", "to chuc",
    "co quan", "don vi", "chu tich", "giam doc", "thu truong", "nguoi dung dau", "bch", "vks", "toa an",
    "ubmttq", "dang doan", "ban thuong vu", "ban chap hanh", "ban tuyen giao", "ban dan van", "cong ty",
    "doanh nghiep", "tong cong ty", "hop tac xa",
)

# Longer "agency names" are lists of agencies; longer still is a sentence, not a name.
MAX_AGENCY_CHARS = 400

# Prefixes before the agency name that are not part of it ("Trách nhiệm của Sở Nội vụ", "Khuyến khích Hội …").
AGENCY_PREFIXES: tuple[str, ...] = (
    "trach nhiem cua", "trach nhiem", "nhiem vu cua", "de nghi", "khuyen khich", "giao", "doi voi",
)

# Verbs that open a duty: an inline heading "9. Công an tỉnh chủ trì, …" ends its agency name before them.
DUTY_VERBS: tuple[str, ...] = (
    "chu tri", "chu dong", "phoi hop", "to chuc", "trien khai", "cu the hoa", "xay dung", "huong dan", "theo doi",
    "tham muu", "thuc hien", "bao cao", "chi dao", "tang cuong", "day manh", "can cu", "tuyen truyen", "ban hanh",
    "dam bao", "bo tri", "kiem tra", "tong hop", "de xuat", "quan ly", "nghien cuu", "phat huy", "tiep tuc",
    "la co quan", "co trach nhiem", "co nhiem vu", "duoc giao", "dinh ky", "thuong xuyen", "hang nam", "gui",
)
# A line this short without final punctuation is a label (a sub-heading), not a duty.
MAX_LABEL_WORDS = 4

# Sentences that close a plan, not a duty ("Trên đây là Kế hoạch …").
CLOSING_STARTS: tuple[str, ...] = ("tren day la", "yeu cau cac", "trong qua trinh thuc hien, neu co kho khan")

# Roman numerals of quarters.
QUARTERS: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Deadline phrases, over folded text. Named groups: d(ay) m(onth) y(ear), q(uarter), n (months of a period),
# dm (day of each month). `kind` names the normalisation in rag.tasks.
_DATE = r"(?P<d>\d{1,2})\s*(?:/|-|\.|\s+thang\s+)\s*(?P<m>\d{1,2})(?:\s*(?:/|-|\.|\s+nam\s+)\s*(?P<y>\d{4}))?"
DEADLINE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("monthly_day", re.compile(r"(?:truoc|cham nhat|truoc ngay)\s+(?:ngay\s+)?(?P<dm>\d{1,2})\s+"
                               r"(?:hang|hoang)\s+thang")),
    ("before", re.compile(r"(?:truoc|cham nhat(?:\s+la)?|han chot|han|xong truoc|hoan thanh truoc)\s+(?:ngay\s+)?"
                          + _DATE)),
    ("on", re.compile(r"(?:trong|vao)\s+ngay\s+" + _DATE)),
    ("quarter", re.compile(r"quy\s+(?P<q>iv|iii|ii|i|[1-4])(?:\s*(?:/|nam)\s*(?P<y>\d{4}))?")),
    ("month", re.compile(r"(?:truoc|trong|cuoi|dau|vao)\s+thang\s+(?P<m>\d{1,2})(?:\s*(?:/|nam)\s*(?P<y>\d{4}))?")),
    ("half_year", re.compile(r"(?:dinh ky|hang|hoang)\s+(?P<n>6)\s+thang|6\s+thang\s+(?:mot lan|\d? ?lan)")),
    ("daily", re.compile(r"(?:hang|hoang|moi)\s+ngay")),
    ("yearly", re.compile(r"(?:dinh ky\s+)?(?:hang|hoang|moi)\s+nam|dinh ky\s+nam")),
    ("quarterly", re.compile(r"(?:dinh ky\s+)?(?:hang|hoang|moi)\s+quy|dinh ky\s+quy")),
    ("monthly", re.compile(r"(?:dinh ky\s+)?(?:hang|hoang|moi)\s+thang|dinh ky\s+thang")),
    ("periodic", re.compile(r"dinh ky")),
)

# A report owed: the sentence says "báo cáo"; the recipient follows one of these words, or directly.
REPORT_WORD = re.compile(r"\bbao cao\b(?!\s+vien)")
REPORT_TO = re.compile(r"\bbao cao\b(?:[^.;]*?)\b(?:ve|gui|cho|len|den|voi)\s+(?P<to>[^.;()]+?)\s*"
                       r"(?:\((?P<via>qua [^)]+)\)|[.;]|$)")
REPORT_DIRECT = re.compile(r"\bbao cao\s+(?P<to>(?:ubnd|uy ban|ban thuong|thuong truc|tinh uy|thanh uy|so|bo|ban)\b"
                           r"[^.;()]*?)\s*(?:\((?P<via>qua [^)]+)\)|[.;,]|$)")

# Words after which a report's recipient ends ("báo cáo Sở Nội vụ nghiên cứu, …" → "Sở Nội vụ").
REPORT_TO_END: tuple[str, ...] = ("xem xet", "nghien cuu", "de ", "theo ", "truoc ngay", "cham nhat", "dinh ky",
                                  "tong hop", "chi dao", "giai quyet", "kip thoi")
# Words before a duty verb that mean it is still part of the agency name ("các tổ chức", "lĩnh vực xây dựng").
NAME_GLUE: tuple[str, ...] = ("cac", "va", "cua", "vuc", "nganh")

# Question words: asking what an agency must do, when something is due, what must be done before a date.
ASK_DUTIES = re.compile(r"phai lam gi|lam gi|nhiem vu|trach nhiem|duoc giao|phan cong|cong viec|viec gi|viec can lam"
                        r"|chu tri|giao cho|lam nhung gi")
ASK_DEADLINE = re.compile(r"\bhan\b|thoi han|khi nao|bao gio|luc nao|truoc ngay|truoc thang|cham nhat|tien do")
ASK_REPORT = re.compile(r"\bbao cao\b")
ASK_BEFORE_MONTH = re.compile(r"truoc\s+(?:ngay\s+(?P<d>\d{1,2})[/-])?thang\s+(?P<m>\d{1,2})"
                              r"(?:\s*(?:/|nam)\s*(?P<y>\d{4}))?")
ASK_BEFORE_DATE = re.compile(r"truoc\s+(?:ngay\s+)?" + _DATE)
# Where a typed agency name ends in a question ("Sở Văn hóa phải làm gì?" → "sở văn hóa").
ASK_AGENCY_END: tuple[str, ...] = (
    "phai", "lam", "co nhiem vu", "co trach nhiem", "can", "duoc", "trong ke hoach", "theo ke hoach", "thi", "nhiem vu",
    "trach nhiem", "la gi", "gi", "khi nao", "bao gio", "chu tri", "giao", "o ke hoach", "cua ke hoach", "tai ke hoach",
)
# Words that start like an agency but are not one ("ban hành", "báo cáo", "số hiệu").
NOT_AGENCY: tuple[str, ...] = (
    "ban hanh", "bao cao", "bao gio", "so hieu", "so luong", "so lan", "hoi nghi", "to chuc thuc hien", "don vi nao",
    "co quan nao", "bo sung", "ban nao", "so nao", "to chuc nao", "bao cao giua ky", "bao cao tong ket",
)
