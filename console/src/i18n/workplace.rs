//! Texts of the workplace's frame: navigation, panes, theme.

use protocol::Locale;

browser::texts! {
    pub struct WorkplaceTexts {
        navigation: "Main menu" / "Главное меню",
        menu: "Menu" / "Меню",
        back_to_list: "Back to conversations" / "Назад к диалогам",
        visitor_details: "Visitor details" / "О посетителе",
        hide_details: "Hide visitor details" / "Скрыть сведения о посетителе",
        theme: "Theme" / "Оформление",
        theme_system: "As in the system" / "Как в системе",
        theme_light: "Light" / "Светлое",
        theme_dark: "Dark" / "Тёмное",
        shortcuts_title: "Keyboard shortcuts" / "Сочетания клавиш",
        shortcuts_hint: "They work whenever the cursor is not in a text field." / "Работают, когда курсор не в поле ввода.",
        show_shortcuts: "Keyboard shortcuts" / "Сочетания клавиш",
        close_shortcuts: "Close" / "Закрыть",
        next_chat: "Next chat in the list" / "Следующий диалог в списке",
        previous_chat: "Previous chat in the list" / "Предыдущий диалог в списке",
        go_to_reply: "Go to the reply box" / "Перейти к полю ответа",
        take_chat: "Take the open chat" / "Взять открытый диалог",
        close_open_chat: "Close the open chat" / "Закрыть открытый диалог",
        search_history: "Search the history" / "Искать в истории",
        photo_of: "Photo of" / "Фото:",
        telegram_badge: "Telegram" / "Telegram",
        no_connection: "No connection. The console goes on by itself when the network is back." / "Нет соединения. Консоль продолжит работу сама, когда сеть вернётся.",
    }
}

pub fn workplace_texts(locale: Locale) -> &'static WorkplaceTexts {
    WorkplaceTexts::of(locale)
}
