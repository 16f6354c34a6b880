//! Texts of Settings → Working hours.

use protocol::Locale;

browser::texts! {
    pub struct HoursTexts {
        hours_hint: "Outside working hours the widget offers the leave-a-message form and tells visitors when you are back (in their own time); routing passes closed departments by; the \"nobody online\" alert only sounds within them." / "Вне рабочего времени виджет предлагает оставить сообщение и сообщает посетителю, когда вы вернётесь (по его времени); закрытые отделы не получают чатов; оповещение «никого нет в сети» работает только в рабочее время.",
        time_zone: "Time zone (working hours, triggers' day and hour, reports)" / "Часовой пояс (рабочее время, день и час в триггерах, отчёты)",
        fixed_offset: "{offset}, no daylight saving (old setting)" / "{offset}, без перехода на летнее время (старая настройка)",
        hours_on: "Take chats only in working hours" / "Принимать чаты только в рабочее время",
        own_hours: "Own working hours (else the site's)" / "Своё рабочее время (иначе — как у сайта)",
        week: "Open" / "Открыто",
        time_hint: "HH:MM in the site's time zone; 24:00 is midnight. Several intervals a day make a break." / "ЧЧ:ММ в часовом поясе сайта; 24:00 — полночь. Несколько интервалов в день — перерыв.",
        interval: "Interval" / "Интервал",
        day: "Day" / "День",
        from: "From" / "С",
        to: "To" / "До",
        add_interval: "Add hours" / "Добавить время",
        holidays: "Holidays (closed all day)" / "Выходные дни (закрыто весь день)",
        holiday: "Holiday" / "Выходной",
        add_holiday: "Add a holiday" / "Добавить выходной",
    }
}

pub fn hours_texts(locale: Locale) -> &'static HoursTexts {
    HoursTexts::of(locale)
}
