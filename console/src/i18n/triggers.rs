//! Texts of the trigger rules' editor: each condition and action, and their fields.

use protocol::Locale;

browser::texts! {
    pub struct TriggerTexts {
        conditions: "When all of these hold" / "Когда выполнены все условия",
        no_conditions: "No conditions: the rule holds on every page." / "Условий нет: правило срабатывает на любой странице.",
        add_condition: "Add a condition" / "Добавить условие",
        actions: "Then" / "Тогда",
        add_action: "Add an action" / "Добавить действие",
        remove: "Remove" / "Убрать",
        condition: "Condition" / "Условие",
        action: "Action" / "Действие",
        seconds_on_page: "Seconds on the page, at least" / "Секунд на странице, не меньше",
        seconds_on_site: "Seconds on the site, at least" / "Секунд на сайте, не меньше",
        pages_viewed: "Pages viewed, at least" / "Просмотрено страниц, не меньше",
        visit_number: "Visit number" / "Номер визита",
        url: "Page address" / "Адрес страницы",
        title: "Page title" / "Заголовок страницы",
        referrer: "Referrer" / "Источник перехода",
        utm: "UTM tag" / "UTM-метка",
        country: "Country" / "Страна",
        city: "City" / "Город",
        weekday: "Day of the week" / "День недели",
        hours: "Hours" / "Часы",
        operator_online: "An operator is online" / "Оператор в сети",
        already_chatted: "The visitor has chatted before" / "Посетитель уже писал в чат",
        at_least: "At least" / "Не меньше",
        at_most: "At most (empty: any)" / "Не больше (пусто — любой)",
        match_kind: "How it matches" / "Как сравнивать",
        contains: "contains" / "содержит",
        equals: "is" / "равно",
        starts_with: "starts with" / "начинается с",
        ends_with: "ends with" / "заканчивается на",
        wildcard: "matches (* is anything)" / "по шаблону (* — что угодно)",
        value: "Text" / "Текст",
        negate: "Does not match (the opposite)" / "Не совпадает (наоборот)",
        utm_param: "Which tag" / "Какая метка",
        codes: "Country codes, separated by commas (RU, KZ)" / "Коды стран через запятую (RU, KZ)",
        names: "Cities, separated by commas" / "Города через запятую",
        from_hour: "From (hour)" / "С (час)",
        to_hour: "To (hour)" / "До (час)",
        yes: "Yes" / "Да",
        invite: "Invite to chat" / "Пригласить в чат",
        open_window: "Open the chat window" / "Открыть окно чата",
        show_contact_form: "Ask for contact details" / "Попросить контакты",
        slow_reply_notice: "Tell the visitor an answer is coming" / "Сказать, что ответ скоро будет",
        hide_widget: "Hide the widget" / "Скрыть виджет",
        invite_text: "Invitation text" / "Текст приглашения",
        operator_name: "Shown as from (name)" / "От чьего имени",
        avatar_url: "Photo address (optional)" / "Адрес фото (необязательно)",
        department: "Department the chat goes to" / "Отдел, в который попадёт чат",
        any_department: "As routing decides" / "Как решит распределение",
        after_seconds: "After seconds without an answer" / "Через секунд без ответа",
        notice_text: "Text (empty: ours)" / "Текст (пусто — наш)",
        json: "Edit as JSON (advanced)" / "Править как JSON (для опытных)",
    }
}

pub fn trigger_texts(locale: Locale) -> &'static TriggerTexts {
    TriggerTexts::of(locale)
}
