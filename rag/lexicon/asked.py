"""Words that link an asked value to what it is asked of (folded): event nouns, money frames, roles, units.

Used by `rag.asked`: a date answers "when is the conference" only in a sentence naming the conference; an
amount answers "how much was spent" only next to a word saying it is spent or budgeted (not a damage estimate);
a name answers "who is the director" only in a sentence naming that very role (not "K/T Giám đốc", signed on
the director's behalf by a deputy).
"""

from __future__ import annotations

# Nouns naming an event whose date or place may be asked; longest first where one contains another.
EVENT_NOUNS: tuple[str, ...] = (
    "le phat dong", "le ky niem", "le trao giai", "le tong ket", "le khai mac", "le be mac", "le ra quan",
    "hoi nghi", "hoi thao", "dai hoi", "cuoc thi", "hoi thi", "hoi dien", "lop tap huan", "lop boi duong",
    "mit tinh", "trien lam", "toa dam", "dien dan", "lien hoan", "ky hop", "phien hop", "buoi gap mat",
    "ngay hoi", "giai chay", "le",
)

# Words in a date's own clause that make it an event's date (held, opened, planned), not a document's.
EVENT_FRAMES: tuple[str, ...] = (
    "to chuc", "dien ra", "khai mac", "be mac", "du kien", "bat dau", "ket thuc", "thoi gian", "vao ngay",
    "vao luc", "trong ngay", "trong cac ngay", "tu ngay", "hop", "trien khai",
)

# Words in an amount's own sentence that make it money spent, budgeted or awarded (not a loss or a turnover).
MONEY_FRAMES: tuple[str, ...] = (
    "kinh phi", "du toan", "ngan sach", "bo tri", "phan bo", "cap phat", "chi", "ho tro", "tri gia", "muc thuong",
    "giai thuong", "tien thuong", "dau tu", "von", "tai tro", "ung ho", "tong muc", "chi phi",
)
# Words that make an amount something other than what was spent.
MONEY_OTHER: tuple[str, ...] = ("thiet hai", "ton that", "doanh thu", "kim ngach", "thu nhap", "gia tri san xuat")

# Heads of official roles a question may ask the holder of ("Giám đốc Sở …", "Trưởng Ban …").
ROLE_HEADS: tuple[str, ...] = (
    "pho chu tich", "chu tich", "pho giam doc", "giam doc", "pho truong ban", "truong ban", "pho bi thu", "bi thu",
    "thu truong", "bo truong", "pho thu tuong", "thu tuong", "chanh van phong", "pho chanh van phong",
    "truong phong", "pho truong phong", "chu nhiem", "pho chu nhiem", "tong bien tap", "cuc truong",
    "vu truong", "vien truong", "chanh an", "tong thu ky", "tong giam doc", "hieu truong", "chanh thanh tra",
)
# Question forms asking who holds a role.
WHO_FORMS: tuple[str, ...] = ("la ai", "ai la", "ai dang la", "ai giu", "ai dam nhiem", "ai lam", "ho ten",
                              "ten la gi", "ten gi", "do ai dam nhan", "ai phu trach")
# Signature prefixes before a role: signed on the role holder's behalf, by someone else.
ON_BEHALF: tuple[str, ...] = ("k/t", "kt", "t/m", "tm", "tl", "t/l", "tuq", "q")

# Family names opening a Vietnamese personal name (a person, not an organisation, when capitalised).
SURNAMES: frozenset[str] = frozenset((
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "dinh", "truong", "trinh", "mai", "cao", "luu", "lam", "quach", "ha", "thai", "ta", "chu", "kieu", "lai",
    "luong", "to", "dao", "doan", "vuong", "la", "giang", "nong", "lo", "mac", "tong", "vi", "thach", "danh",
))

# What "bao nhiêu X" may be written as next to the number (folded): the asked unit → its written forms.
UNIT_FORMS: dict[str, tuple[str, ...]] = {
    "phan tram": ("%", "phan tram"),
    "hec ta": ("ha", "hec ta", "hecta", "hec-ta"),
    "ha": ("ha", "hec ta", "hecta", "hec-ta"),
    "km": ("km", "kilomet", "ki lo met"),
    "tan": ("tan",),
}
# Words after "bao nhiêu" that ask for money, not a count (rag.asked's money kind takes them).
MONEY_UNITS: tuple[str, ...] = ("tien", "ty", "trieu", "nghin", "dong", "usd")
