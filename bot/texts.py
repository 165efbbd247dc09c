"""Every Vietnamese text the bot shows, in one place.

Texts marked HTML are sent as Telegram HTML (their `&lt;`/`&gt;` are literal angle brackets); the others are plain
text and are escaped (bot.formatting.escape) wherever they go into an HTML message. `{name}` placeholders are
filled with str.format; values that come from users or documents must be escaped first.
"""

from __future__ import annotations

from rag.errors import PlanbotError

# ----------------------------------------------------------------- general

GENERIC_ERROR = PlanbotError.user_message  # plain
SEARCHING_TEXT = "Đang tìm trong tài liệu…"  # plain
FOUND_TEXT = "Đã tìm thấy {count} đoạn liên quan, đang soạn câu trả lời…"  # plain
REFUSED_TEXT = "Không tìm thấy thông tin này trong các tài liệu hiện có."  # plain
RELATED_HEADER = "Có thể liên quan:"  # plain
SOURCES_HEADER = "Nguồn:"  # plain
NO_QUOTE_TEXT = "(không có trích đoạn)"  # plain

WEBHOOK_APP_TITLE = "Trợ lý Kế hoạch — Telegram webhook"  # plain (the standalone webhook server's title)

# ----------------------------------------------------------------- help and command menu (HTML)

HELP_TEXT = (
    "<b>Trợ lý Kế hoạch</b> trả lời câu hỏi về các kế hoạch thông tin, tuyên truyền đã được nạp, "
    "kèm nguồn trích dẫn (tài liệu › mục).\n\n"
    "• Gửi câu hỏi bằng một tin nhắn văn bản; câu hỏi tiếp theo có thể dựa vào các câu trước.\n"
    "• /tra &lt;số hiệu&gt; — tra cứu văn bản chỉ đạo, ví dụ: /tra 35-NQ/TW hoặc /tra nq 35.\n"
    "• /viec &lt;đơn vị&gt; — việc cần làm, thời hạn, báo cáo của một đơn vị, ví dụ: /viec Sở Văn hóa.\n"
    "• /nguon — xem lại nguồn của câu trả lời gần nhất.\n"
    "• /moi — bắt đầu cuộc trò chuyện mới (dừng câu trả lời đang soạn).\n"
    "• /help — xem hướng dẫn này.\n\n"
    "Trong nhóm, hãy nhắc tên bot (@{username}) hoặc trả lời tin nhắn của bot."
    "{admin}\n\n"
    "Câu hỏi ví dụ:"
)
ADMIN_HELP = "\n\nQuản trị viên: gửi tệp .txt, .docx hoặc .pdf để nạp tài liệu mới."

# (command, description) pairs of the command menu (plain)
COMMAND_MENU: tuple[tuple[str, str], ...] = (
    ("help", "Hướng dẫn và câu hỏi ví dụ"),
    ("tra", "Tra cứu văn bản chỉ đạo: /tra 35-NQ/TW"),
    ("viec", "Việc cần làm của một đơn vị: /viec Sở Văn hóa"),
    ("nguon", "Nguồn của câu trả lời gần nhất"),
    ("moi", "Bắt đầu cuộc trò chuyện mới"),
)

EXAMPLE_QUESTIONS: tuple[str, ...] = (  # plain
    "Kế hoạch 464/KH-LĐLĐ của Lai Châu có những hình thức tuyên truyền nào?",
    "Những kế hoạch nào nhắc đến Nghị quyết 35-NQ/TW?",
    "Mục đích, yêu cầu của kế hoạch tuyên truyền xây dựng Đảng ở Khánh Hòa là gì?",
)

# ----------------------------------------------------------------- access and input (HTML unless noted)

DENIED_TEXT = (
    "Bạn chưa được cấp quyền sử dụng trợ lý này. "
    "Hãy gửi mã người dùng <code>{user_id}</code> cho quản trị viên để được cấp quyền."
)
DENIED_ALERT = "Bạn chưa được cấp quyền sử dụng trợ lý này (mã người dùng {user_id})."  # plain (a popup)
RATE_LIMITED_TEXT = "Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau {seconds} giây."
BUSY_CHAT_TEXT = (
    "Tôi đang trả lời câu hỏi trước trong cuộc trò chuyện này. Vui lòng chờ, hoặc gửi /moi để dừng."
)
STOPPED_TEXT = "Đã dừng câu trả lời."
EMPTY_QUESTION_TEXT = "Bạn muốn hỏi gì? Hãy gõ câu hỏi sau tên bot, hoặc gửi /help để xem hướng dẫn."
EDITED_TEXT = "Tôi không xử lý tin nhắn đã sửa. Hãy gửi câu hỏi thành một tin nhắn mới."
NON_TEXT_TEXT = (
    "Tôi chỉ đọc được câu hỏi dạng văn bản. Hãy gõ câu hỏi của bạn, hoặc gửi /help để xem hướng dẫn."
)
UNKNOWN_COMMAND_TEXT = "Lệnh không được hỗ trợ. Các lệnh: /help, /tra, /viec, /nguon, /moi."
EXPIRED_TEXT = "Nút này đã hết hạn. Hãy đặt lại câu hỏi."
NO_SOURCES_TEXT = "Chưa có câu trả lời nào trong cuộc trò chuyện này. Hãy đặt một câu hỏi trước."
RESET_TEXT = "Đã bắt đầu cuộc trò chuyện mới. Các câu hỏi tiếp theo sẽ không dựa vào nội dung trước đó."

# ----------------------------------------------------------------- buttons (plain)

MORE_BUTTON = "Xem thêm"  # the held-back rest of a long answer
SECTION_BUTTON = "Toàn văn mục"  # a source's full section
MORE_EXPIRED = "Phần còn lại của câu trả lời này không còn được lưu. Hãy đặt lại câu hỏi."  # plain
SECTION_EMPTY = "Mục này không có nội dung."

# ----------------------------------------------------------------- /tra (HTML)

LOOKUP_USAGE = "Cú pháp: /tra &lt;số hiệu&gt;, ví dụ: /tra 35-NQ/TW hoặc /tra nq 35."
LOOKUP_NONE = "Không tìm thấy văn bản “{query}” trong danh mục văn bản được các kế hoạch trích dẫn."
LOOKUP_MORE = "Còn {count} kết quả khác; hãy ghi rõ số hiệu để thu hẹp."
DIRECTIVE_TITLE = "{doc_type} số {number}"  # plain
DIRECTIVE_DATE = "Ngày ban hành: {date}"
DIRECTIVE_ISSUER = "Cơ quan ban hành: {issuer}"
DIRECTIVE_SUBJECT = "Trích yếu: {subject}"
DIRECTIVE_STORED = "Có trong kho tài liệu: {title} (mã: {doc_id})"
DIRECTIVE_MENTIONS = "<b>Được nhắc đến trong {count} đoạn:</b>"
DIRECTIVE_MORE_MENTIONS = "… và {count} đoạn khác."
DIRECTIVE_UNCITED = "Chưa có kế hoạch nào trong kho tài liệu trích dẫn văn bản này."

# ----------------------------------------------------------------- /viec (HTML)

TASKS_USAGE = "Cú pháp: /viec &lt;đơn vị&gt;, ví dụ: /viec Sở Văn hóa hoặc /viec công an tỉnh."
TASKS_NONE = "Không tìm thấy nhiệm vụ nào giao cho “{agency}” trong các kế hoạch đã nạp."
TASKS_HEADER = "<b>Việc cần làm của “{agency}”</b> ({duties} việc, {plans} kế hoạch)"
TASKS_REPORT = "báo cáo {to}"  # plain

# ----------------------------------------------------------------- uploads (HTML)

UPLOAD_DENIED = (
    "Chỉ quản trị viên mới được nạp tài liệu mới. Bạn vẫn có thể đặt câu hỏi về các tài liệu hiện có."
)
UPLOAD_TOO_BIG = "Tệp quá lớn (tối đa {mb} MB)."
UPLOAD_STARTED = "Đang nạp tài liệu “{name}”…"
UPLOAD_DUPLICATE = (  # plain
    "Nội dung tệp “{name}” đã có trong hệ thống: tài liệu “{doc_id}” (tệp “{filename}”). Không nạp thêm bản trùng."
)
UPLOAD_DONE = "Đã nạp tài liệu “{name}”."
UPLOAD_COUNTS = "• Tài liệu: {documents} (mới {added}, thay thế {replaced}, không đổi {unchanged})"
UPLOAD_INDEX = "• Mục: {sections}; đoạn chỉ mục: {chunks}; văn bản chỉ đạo: {directives}"
UPLOAD_SKIPPED = "• Bỏ qua: {skipped}"

# ----------------------------------------------------------------- feedback (plain)

VOTE_UP_BUTTON = "👍 Hữu ích"
VOTE_DOWN_BUTTON = "👎 Chưa đúng"
THANKS_TEXT = {
    "up": "Cảm ơn bạn đã đánh giá 👍.",
    "down": "Cảm ơn bạn đã đánh giá 👎.",
}
COMMENT_PROMPT = " Muốn góp ý thêm (câu trả lời đúng là gì, thiếu ý nào…), hãy trả lời tin nhắn này."
COMMENT_PLACEHOLDER = "Góp ý của bạn…"
COMMENT_SAVED = "Đã nhận góp ý. Cảm ơn bạn!"
FEEDBACK_EXPIRED = "Câu trả lời này đã quá cũ để đánh giá. Hãy hỏi lại rồi đánh giá."
