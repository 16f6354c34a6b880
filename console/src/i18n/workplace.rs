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
        no_connection: "No connection. The console goes on by itself when the network is back." / "Нет соединения. Консоль продолжит работу сама, когда сеть вернётся.",
    }
}

pub fn workplace_texts(locale: Locale) -> &'static WorkplaceTexts {
    WorkplaceTexts::of(locale)
}
