//! Texts of push notifications on the operator's devices (My account).

use protocol::Locale;

browser::texts! {
    pub struct PushTexts {
        title: "Notifications on your devices" / "Уведомления на ваших устройствах",
        intro: "New chats, and new messages in your chats, reach a device that has them on — even with the console closed. They stop when you sign out there." / "Новые чаты и новые сообщения в ваших чатах приходят на устройство, где уведомления включены, даже когда консоль закрыта. Они прекращаются, когда вы выходите на этом устройстве.",
        turn_on: "Turn on for this device" / "Включить на этом устройстве",
        turning_on: "Turning on…" / "Включаем…",
        turned_on: "Notifications are on for this device." / "Уведомления на этом устройстве включены.",
        turn_off: "Turn off" / "Выключить",
        this_device: "this device" / "это устройство",
        added: "added" / "добавлено",
        none_yet: "No device receives notifications yet." / "Пока ни одно устройство не получает уведомлений.",
        not_configured: "This server sends no push notifications: its administrator has not set VAPID_PRIVATE_KEY." / "Этот сервер не отправляет push-уведомления: администратор не задал VAPID_PRIVATE_KEY.",
        unsupported: "This browser cannot receive push notifications. On an iPhone, add the console to the home screen first." / "Этот браузер не принимает push-уведомления. На iPhone сначала добавьте консоль на экран «Домой».",
        denied: "Notifications are blocked for this site in the browser's settings." / "Уведомления для этого сайта запрещены в настройках браузера.",
        failed: "The browser could not subscribe:" / "Браузер не смог подписаться:",
    }
}

pub fn push_texts(locale: Locale) -> &'static PushTexts {
    PushTexts::of(locale)
}
