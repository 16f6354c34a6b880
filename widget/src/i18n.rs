//! Every visitor-facing text, in English and Russian.

use protocol::Locale;

pub struct Texts {
    pub default_title: &'static str,
    pub online_hint: &'static str,
    pub connecting: &'static str,
    pub reconnecting: &'static str,
    pub greeting: &'static str,
    pub messages_label: &'static str,
    pub message_label: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub close: &'static str,
    pub you: &'static str,
    pub operator: &'static str,
    pub sending: &'static str,
    pub not_sent: &'static str,
    pub start_failed: &'static str,
    pub retry: &'static str,
}

pub const EN: Texts = Texts {
    default_title: "Chat with us",
    online_hint: "We usually reply in a few minutes",
    connecting: "Connecting…",
    reconnecting: "Connection lost, reconnecting…",
    greeting: "Hello! Ask us anything — we are here to help.",
    messages_label: "Messages",
    message_label: "Your message",
    placeholder: "Write a message…",
    send: "Send",
    close: "Close chat",
    you: "You",
    operator: "Operator",
    sending: "Sending…",
    not_sent: "Not sent",
    start_failed: "Could not connect to the chat.",
    retry: "Try again",
};

pub const RU: Texts = Texts {
    default_title: "Напишите нам",
    online_hint: "Обычно отвечаем за несколько минут",
    connecting: "Подключение…",
    reconnecting: "Связь потеряна, переподключаемся…",
    greeting: "Здравствуйте! Задайте вопрос — мы поможем.",
    messages_label: "Сообщения",
    message_label: "Ваше сообщение",
    placeholder: "Напишите сообщение…",
    send: "Отправить",
    close: "Закрыть чат",
    you: "Вы",
    operator: "Оператор",
    sending: "Отправляется…",
    not_sent: "Не отправлено",
    start_failed: "Не удалось подключиться к чату.",
    retry: "Повторить",
};

pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU,
    }
}
