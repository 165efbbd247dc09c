"""Fixed Vietnamese texts shown to users by the answering core (the edges have their own)."""

REFUSAL = "Không tìm thấy thông tin này trong các tài liệu hiện có."
EMPTY_QUESTION = "Vui lòng nhập câu hỏi."
TOO_LONG = "Câu hỏi quá dài (tối đa {limit} ký tự). Vui lòng rút gọn."
BAD_CHARACTERS = "Câu hỏi chứa ký tự không hợp lệ."
NO_DOCUMENTS = "Chưa có tài liệu nào được nạp vào hệ thống."
NO_FILTER_MATCH = "Không có tài liệu nào khớp với bộ lọc đã chọn (tỉnh, năm, cơ quan ban hành, mã tài liệu)."
# The documents hold what the question is about, not the value it asks for.
NOT_STATED = "{doc} có nội dung liên quan nhưng không ghi {label} được hỏi."
# Before the particulars of the plans a document implements, when its own are not written.
OTHER_DOCUMENTS = "Số hiệu, ngày tháng ghi trong văn bản là của văn bản mà nó thực hiện:"
EXTRACTIVE_INTRO = "Các đoạn liên quan nhất trong tài liệu:"

FIELD_LABELS = {
    "date": "ngày ban hành",
    "number": "số hiệu",
    "signer": "người ký",
    "recipients": "nơi nhận",
    "issuer": "cơ quan ban hành",
    "basis": "văn bản căn cứ",
}
# A role asked about is not named; the document is signed on its behalf ("K/T") by a deputy.
SIGNED_ON_BEHALF = "{doc} không ghi tên người giữ chức vụ được hỏi; văn bản do {signer} ký thay (K/T)."
