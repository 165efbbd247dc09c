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

# --- Which value a question asks for: the families officers ask, each told apart by its cue words (folded). ---

# Forms asking "when" (a day, a month, a time): shared by the date families below.
WHEN_FORMS: tuple[str, ...] = ("ngay nao", "khi nao", "bao gio", "thoi gian nao", "luc nao", "thang nao", "dip nao",
                               "ngay may", "hom nao", "thoi diem nao", "ngay bao nhieu", "nam nao")

# A document's own date (its header: issued, signed, dated, in force) is a particular of the document, not an
# event's date: "Kết luận … ban hành ngày nào", "ký ngày nào", "ngày ban hành", "có hiệu lực từ khi nào".
ISSUE_VERBS: tuple[str, ...] = ("ban hanh", "ky ban hanh", "ky", "de", "ra doi", "phat hanh", "co hieu luc",
                                "hieu luc")
# Words before "kỳ" that make it part of another word ("định kỳ", "nhiệm kỳ", "học kỳ"), not "ký" (signed).
NOT_ISSUE_BEFORE: tuple[str, ...] = ("dinh", "nhiem", "hoc", "thoi", "chu", "ki", "ky")
ISSUE_NOUNS: tuple[str, ...] = ("ngay ban hanh", "ngay ky", "thoi diem ban hanh", "thoi gian ban hanh",
                                "ngay hieu luc", "ngay co hieu luc")

# A deadline: when something must be done, sent or reported by. Question cues on their own…
DEADLINE_CUES: tuple[str, ...] = ("han chot", "thoi han", "han nop", "han cuoi", "han bao cao", "han hoan thanh",
                                  "truoc ngay nao", "cham nhat", "het han", "den han", "han gui")
# …and obligations whose "when" is a deadline, not an event's date ("báo cáo kết quả khi nào?").
# ("trình" is no duty here: folded it is also the end of "chương trình", an event asked "khi nào")
DEADLINE_DUTIES: tuple[str, ...] = ("nop", "gui bao cao", "bao cao ket qua", "bao cao ve", "hoan thanh", "hoan thien",
                                    "gui ve", "phai bao cao", "bao cao dinh ky", "bao cao so ket", "bao cao tong ket")
# How a deadline is written: before a day, at the latest, within a month or quarter, periodically ("thường
# xuyên", often, is no deadline; "định kỳ" is, but no day: "hạn chót là ngày nào" wants a day or a month).
DEADLINE_VALUES: tuple[str, ...] = ("truoc ngay", "cham nhat", "thoi han", "han chot", "han nop", "trong thang",
                                    "truoc thang", "trong quy", "truoc quy", "dinh ky", "hang thang", "hang quy",
                                    "hang nam", "hang tuan", "6 thang", "xong truoc", "trong nam")

# Where the money comes from, not how much: "kinh phí lấy từ đâu", "nguồn kinh phí", "từ nguồn nào".
FUNDING_SOURCE_CUES: tuple[str, ...] = ("lay tu dau", "tu dau", "tu nguon nao", "nguon nao", "nguon kinh phi",
                                        "nguon von", "nguon tien", "do ai chi tra", "ai chi tra", "lay o dau",
                                        "lay dau", "tu quy nao", "ai bao dam", "ai dam bao", "chi tu nguon")
# "từ đầu năm", "từ đầu nhiệm kỳ" fold like "từ đâu": not a funding source asked when one of these follows.
FROM_START_AFTER: tuple[str, ...] = ("nam", "thang", "quy", "tuan", "ky", "nhiem ky", "giai doan", "den", "dot",
                                     "chien dich", "nhiem")
# Words naming a funding source in a sentence ("từ nguồn ngân sách", "bố trí trong dự toán", "xã hội hóa").
FUNDING_SOURCES: tuple[str, ...] = ("nguon", "ngan sach", "du toan", "xa hoi hoa", "tai tro", "huy dong",
                                    "dong gop", "von", "quy", "kinh phi chi thuong xuyen", "tu chu", "bo tri",
                                    "dam bao", "bao dam", "cap phat", "hop phap")
# Words saying the sentence is about money (in the sentence or its section path: "IV. KINH PHÍ THỰC HIỆN").
FUNDING_FRAMES: tuple[str, ...] = ("kinh phi", "chi phi", "ngan sach", "du toan", "von", "nguon luc", "tai chinh")

# A rate or target share, not a count: "tỷ lệ … đạt bao nhiêu", "bao nhiêu phần trăm", "bao nhiêu %".
RATE_CUES: tuple[str, ...] = ("ty le", "phan tram", "bao nhieu %", "ti le")
# Targets ("chỉ tiêu", "phấn đấu đạt"): a count asked as a target may be written as a share ("100% số xã").
TARGET_CUES: tuple[str, ...] = ("chi tieu", "phan dau", "muc tieu", "dat bao nhieu", "dat duoc bao nhieu",
                                "it nhat", "toi thieu")

# Other things a question may ask beside the value: a task, a content, a basis, an issuer. A question that also
# asks one of these is answerable in part even when the value is not stated, so the value alone never refuses it.
OTHER_ASKS: tuple[str, ...] = (
    "viec gi", "nhiem vu gi", "nhiem vu nao", "lam gi", "lam nhung gi", "giao gi", "noi dung gi", "noi dung nao",
    "ve viec gi", "ve van de gi", "van de gi", "chu de gi", "gom nhung gi", "nhung gi", "the nao", "ra sao",
    "dua tren", "can cu", "thay the", "van ban nao", "bao cao nao", "co quan nao", "ai ban hanh", "ai ky",
    "don vi nao", "muc dich", "hoat dong nao", "hoat dong gi",
)

# "bao nhiêu tiền", "kinh phí", "mức chi": the question asks for an amount of money
MONEY_ASKS: tuple[str, ...] = ("kinh phi", "ngan sach", "du toan", "bao nhieu tien", "chi phi", "tien thuong",
                               "muc chi", "chi bao nhieu")
# currency words written after an amount ("120 triệu đồng", "5.000 USD")
CURRENCY_WORDS: tuple[str, ...] = ("dong", "trieu", "ty", "nghin", "usd", "vnd")
# the question asks how to reach someone
CONTACT_ASKS: tuple[str, ...] = ("so dien thoai", "dien thoai", "email", "hop thu", "dia chi lien he", "fax",
                                 "hotline")
# "mấy buổi / mấy lớp / mấy xã": "mấy" asks for a count only before one of these units
COUNT_UNITS: tuple[str, ...] = ("buoi", "tin", "bai", "lan", "nguoi", "cuoc", "hoi nghi", "lop", "doan",
                                "chuong trinh", "san pham", "dot", "xa", "phuong", "huyen", "don vi", "ha", "hec")
# "bao nhiêu lâu / giờ / tuổi" asks for a duration or an age, not a count
NOT_COUNTED: tuple[str, ...] = ("lau", "gio", "phut", "tuoi")
