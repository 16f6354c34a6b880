//! Texts of Settings → Channels.

use protocol::Locale;

browser::texts! {
    pub struct ChannelTexts {
        channels: "Channels" / "Каналы",
        telegram: "Telegram" / "Telegram",
        telegram_hint: "Visitors who write to your bot in Telegram get answers here, like web chats: one conversation per Telegram user, files both ways, the rating survey as buttons. Create a bot with @BotFather (/newbot) and paste the token it gives." / "Кто пишет вашему боту в Telegram, получает ответы отсюда, как в веб-чате: один диалог на пользователя Telegram, файлы в обе стороны, оценка кнопками. Создайте бота у @BotFather (/newbot) и вставьте выданный токен.",
        bot_token: "Bot token from @BotFather" / "Токен бота от @BotFather",
        connect: "Connect" / "Подключить",
        connecting: "Connecting…" / "Подключаем…",
        connected: "Connected:" / "Подключён:",
        not_connected: "No bot is connected." / "Бот не подключён.",
        disconnect: "Disconnect" / "Отключить",
        waiting: "messages waiting to go out" / "сообщений ждут отправки",
    }
}

pub fn channel_texts(locale: Locale) -> &'static ChannelTexts {
    ChannelTexts::of(locale)
}
