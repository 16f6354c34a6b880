//! Sections for what the visitor sees: general, appearance, texts, contact form, offline
//! behaviour, departments and the rating survey; the consent checkbox goes with the contact
//! form.

use super::{
    from_wire, new_id, optional, wire_name, Check, Choice, Draft, Label, Section, TextArea,
    TextInput,
};
use leptos::prelude::*;
use protocol::settings::{CustomField, Department};

#[component]
pub(super) fn WidgetSections(draft: Draft) -> impl IntoView {
    view! {
        <General draft/>
        <Section draft id="appearance" title=|t| t.appearance apply=|from, to| {
            to.theme = from.theme.clone();
            to.hide_on_phones = from.hide_on_phones;
        }>
            <div class="field">
                <label for="accent">{move || draft.session.texts().accent_color}</label>
                <input id="accent" type="color"
                    prop:value=move || draft.read(|s| s.theme.accent_color.clone())
                    on:input=move |e| draft.edit(|s| s.theme.accent_color = event_target_value(&e))/>
            </div>
            <Choice draft id="position" label=|t| t.position
                options=vec![("right", |t| t.right), ("left", |t| t.left)]
                get=|s| wire_name(&s.theme.position)
                set=|s, v| if let Some(p) = from_wire(v) { s.theme.position = p }/>
            <TextInput draft id="launcher-label" label=|t| t.launcher_label
                get=|s| s.theme.launcher_label.clone().unwrap_or_default()
                set=|s, v| s.theme.launcher_label = optional(v)/>
            <TextInput draft id="logo-url" label=|t| t.logo_url kind="url" hint=|t| t.logo_hint
                get=|s| s.theme.logo_url.clone().unwrap_or_default()
                set=|s, v| s.theme.logo_url = optional(v)/>
            <Check draft id="hide-on-phones" label=|t| t.hide_on_phones
                get=|s| s.hide_on_phones set=|s, v| s.hide_on_phones = v/>
        </Section>
        <Section draft id="texts" title=|t| t.widget_texts apply=|from, to| to.texts = from.texts.clone()>
            <p class="muted">{move || draft.session.texts().widget_texts_hint}</p>
            <TextArea draft id="greeting" label=|t| t.greeting_label
                get=|s| s.texts.greeting.clone().unwrap_or_default()
                set=|s, v| s.texts.greeting = optional(v)/>
            <TextArea draft id="offline-intro" label=|t| t.offline_intro_label
                get=|s| s.texts.offline_intro.clone().unwrap_or_default()
                set=|s, v| s.texts.offline_intro = optional(v)/>
        </Section>
        <ContactForm draft/>
        <Section draft id="offline" title=|t| t.offline_settings apply=|from, to| to.offline = from.offline.clone()>
            <Check draft id="hide-launcher" label=|t| t.hide_launcher_offline
                get=|s| s.offline.hide_launcher set=|s, v| s.offline.hide_launcher = v/>
            <TextInput draft id="notify-email" label=|t| t.offline_email kind="email"
                get=|s| s.offline.notify_email.clone().unwrap_or_default()
                set=|s, v| s.offline.notify_email = optional(v)/>
        </Section>
        <Departments draft/>
        <Section draft id="rating" title=|t| t.rating_settings apply=|from, to| {
            to.rating = from.rating.clone();
            to.masking.ratings = from.masking.ratings;
        }>
            <Choice draft id="rating-scale" label=|t| t.rating_scale
                options=vec![("off", |t| t.scale_off), ("thumbs", |t| t.scale_thumbs),
                    ("three_faces", |t| t.scale_three), ("five_faces", |t| t.scale_five)]
                get=|s| wire_name(&s.rating.scale)
                set=|s, v| if let Some(scale) = from_wire(v) { s.rating.scale = scale }/>
            <Choice draft id="survey-offer" label=|t| t.survey_offer
                options=vec![("on_close", |t| t.survey_on_close), ("after_silence", |t| t.survey_after_silence), ("never", |t| t.survey_never)]
                get=|s| wire_name(&s.rating.offer)
                set=|s, v| if let Some(offer) = from_wire(v) { s.rating.offer = offer }/>
            <TextInput draft id="silence-minutes" label=|t| t.silence_minutes kind="number"
                get=|s| s.rating.silence_minutes.to_string()
                set=|s, v| s.rating.silence_minutes = v.trim().parse().unwrap_or(0)/>
            <TextArea draft id="positive-reply" label=|t| t.positive_reply
                get=|s| s.rating.positive_reply.clone().unwrap_or_default()
                set=|s, v| s.rating.positive_reply = optional(v)/>
            <TextArea draft id="negative-reply" label=|t| t.negative_reply
                get=|s| s.rating.negative_reply.clone().unwrap_or_default()
                set=|s, v| s.rating.negative_reply = optional(v)/>
            <Check draft id="hide-ratings" label=|t| t.hide_ratings
                get=|s| s.masking.ratings set=|s, v| s.masking.ratings = v/>
        </Section>
    }
}

/// Site name, language, allowed origins and how often invitations may be shown.
#[component]
fn General(draft: Draft) -> impl IntoView {
    let texts = move || draft.session.texts();
    view! {
        <Section draft id="general" title=|t| t.general apply=|from, to| {
            to.name = from.name.clone();
            to.locale = from.locale;
            to.invitation_interval_seconds = from.invitation_interval_seconds;
            to.allowed_origins = from.allowed_origins.clone();
        }>
            <TextInput draft id="site-name" label=|t| t.site_name
                get=|s| s.name.clone() set=|s, v| s.name = v/>
            <Choice draft id="site-locale" label=|t| t.widget_language
                options=vec![("", |t| t.page_language), ("ru", |_| "Русский"), ("en", |_| "English")]
                get=|s| s.locale.as_ref().map(wire_name).unwrap_or_default()
                set=|s, v| s.locale = from_wire(v)/>
            <div class="field">
                <label for="allowed-origins">{move || texts().allowed_origins}</label>
                <textarea id="allowed-origins" rows="3" aria-describedby="allowed-origins-hint"
                    placeholder="https://shop.example"
                    prop:value=move || draft.read(|s| s.allowed_origins.join("\n"))
                    on:change=move |e| {
                        let lines: Vec<String> = event_target_value(&e)
                            .lines()
                            .map(|l| l.trim().trim_end_matches('/').to_owned())
                            .filter(|l| !l.is_empty())
                            .collect();
                        draft.edit(|s| s.allowed_origins = lines);
                    }></textarea>
                <small id="allowed-origins-hint" class="muted">{move || texts().allowed_origins_hint}</small>
            </div>
            <TextInput draft id="invitation-interval" label=|t| t.invitation_interval kind="number"
                get=|s| (s.invitation_interval_seconds / 60).to_string()
                set=|s, v| if let Ok(minutes) = v.parse() {
                    s.invitation_interval_seconds = u32::saturating_mul(minutes, 60)
                }/>
        </Section>
    }
}

const FIELD_RULES: [(&str, Label); 3] = [
    ("hidden", |t| t.field_hidden),
    ("optional", |t| t.field_optional),
    ("required", |t| t.field_required),
];

#[component]
fn ContactForm(draft: Draft) -> impl IntoView {
    let texts = move || draft.session.texts();
    let field_ids = move || {
        draft.read(|s| {
            s.contact_form
                .custom
                .iter()
                .map(|f| f.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let with_field = move |id: &str, f: &mut dyn FnMut(&mut CustomField)| {
        draft.edit(|s| {
            if let Some(field) = s.contact_form.custom.iter_mut().find(|x| x.id == id) {
                f(field);
            }
        })
    };
    view! {
        <Section draft id="contact-form" title=|t| t.contact_form_settings
            apply=|from, to| {
                to.contact_form = from.contact_form.clone();
                to.consent = from.consent.clone();
            }>
            <Choice draft id="form-mode" label=|t| t.form_mode
                options=vec![("before", |t| t.form_before), ("during", |t| t.form_during), ("never", |t| t.form_never)]
                get=|s| wire_name(&s.contact_form.mode)
                set=|s, v| if let Some(mode) = from_wire(v) { s.contact_form.mode = mode }/>
            <Choice draft id="form-name" label=|t| t.name_label options=FIELD_RULES.to_vec()
                get=|s| wire_name(&s.contact_form.name)
                set=|s, v| s.contact_form.name = from_wire(v).unwrap_or_default()/>
            <Choice draft id="form-email" label=|t| t.email options=FIELD_RULES.to_vec()
                get=|s| wire_name(&s.contact_form.email)
                set=|s, v| s.contact_form.email = from_wire(v).unwrap_or_default()/>
            <Choice draft id="form-phone" label=|t| t.phone_label options=FIELD_RULES.to_vec()
                get=|s| wire_name(&s.contact_form.phone)
                set=|s, v| s.contact_form.phone = from_wire(v).unwrap_or_default()/>
            <fieldset>
                <legend>{move || texts().custom_fields}</legend>
                <For each=field_ids key=|id| id.clone() let:id>
                    {
                        let (label_id, check_id) = (format!("{id}-label"), format!("{id}-required"));
                        let (a, b, c, d) = (id.clone(), id.clone(), id.clone(), id.clone());
                        view! {
                            <div class="row">
                                <label class="sr" for=label_id.clone()>{move || texts().field_label}</label>
                                <input id=label_id type="text" required
                                    placeholder=move || texts().field_label
                                    prop:value=move || draft.read(|s| s.contact_form.custom.iter().find(|f| f.id == a).map(|f| f.label.clone()).unwrap_or_default())
                                    on:input=move |e| with_field(&b, &mut |f| f.label = event_target_value(&e))/>
                                <input id=check_id.clone() type="checkbox"
                                    prop:checked=move || draft.read(|s| s.contact_form.custom.iter().any(|f| f.id == c && f.required))
                                    on:change=move |e| with_field(&d, &mut |f| f.required = event_target_checked(&e))/>
                                <label for=check_id>{move || texts().field_required}</label>
                                <button type="button" class="secondary"
                                    on:click=move |_| draft.edit(|s| s.contact_form.custom.retain(|f| f.id != id))>
                                    {move || texts().delete}
                                </button>
                            </div>
                        }
                    }
                </For>
                <button type="button" class="secondary" on:click=move |_| draft.edit(|s| {
                    s.contact_form.custom.push(CustomField { id: new_id("f"), label: String::new(), required: false })
                })>{move || texts().add_field}</button>
            </fieldset>
            <Check draft id="consent-required" label=|t| t.consent_on
                get=|s| s.consent.required
                set=|s, on| s.consent.required = on/>
            <TextInput draft id="consent-policy" label=|t| t.consent_policy
                get=|s| s.consent.policy_url.clone().unwrap_or_default()
                set=|s, v| s.consent.policy_url = optional(v.trim().to_owned())/>
            <TextInput draft id="consent-text" label=|t| t.consent_words
                get=|s| s.consent.text.clone().unwrap_or_default()
                set=|s, v| s.consent.text = optional(v)/>
        </Section>
    }
}

#[component]
fn Departments(draft: Draft) -> impl IntoView {
    let texts = move || draft.session.texts();
    let ids = move || {
        draft.read(|s| {
            s.departments
                .iter()
                .map(|d| d.id.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Section draft id="departments" title=|t| t.departments apply=|from, to| {
            to.departments = from.departments.clone();
            // Routing may only name departments that still exist.
            for entry in &mut to.routing.operators {
                entry.departments.retain(|d| from.departments.iter().any(|x| &x.id == d));
            }
        }>
            <p class="muted">{move || texts().departments_hint}</p>
            <For each=ids key=|id| id.clone() let:id>
                {
                    let input_id = format!("{id}-name");
                    let shown_id = format!("{id}-visitor-name");
                    let (a, b, c) = (id.clone(), id.clone(), id.clone());
                    let (d, e) = (id.clone(), id.clone());
                    view! {
                        <div class="row">
                            <label class="sr" for=input_id.clone()>{move || texts().department_name}</label>
                            <input id=input_id type="text" required
                                placeholder=move || texts().department_name
                                prop:value=move || draft.read(|s| s.departments.iter().find(|d| d.id == a).map(|d| d.name.clone()).unwrap_or_default())
                                on:input=move |e| draft.edit(|s| {
                                    if let Some(d) = s.departments.iter_mut().find(|d| d.id == b) {
                                        d.name = event_target_value(&e);
                                    }
                                })/>
                            <label class="sr" for=shown_id.clone()>{move || texts().department_visitor_name}</label>
                            <input id=shown_id type="text"
                                placeholder=move || texts().department_visitor_name
                                prop:value=move || draft.read(|s| s.departments.iter().find(|x| x.id == d).and_then(|x| x.visitor_name.clone()).unwrap_or_default())
                                on:input=move |ev| draft.edit(|s| {
                                    if let Some(x) = s.departments.iter_mut().find(|x| x.id == e) {
                                        x.visitor_name = super::optional(event_target_value(&ev));
                                    }
                                })/>
                            <button type="button" class="secondary"
                                on:click=move |_| draft.edit(|s| s.departments.retain(|d| d.id != c))>
                                {move || texts().delete}
                            </button>
                        </div>
                        <super::hours::DepartmentHours draft id=id/>
                    }
                }
            </For>
            <button type="button" class="secondary" on:click=move |_| draft.edit(|s| {
                s.departments.push(Department { id: new_id("d"), name: String::new(), visitor_name: None, hours: None })
            })>{move || texts().add_department}</button>
        </Section>
    }
}
