"""Calendar attachments (.ics) for notifications that carry a due date, so a coach can plan the visit."""

from __future__ import annotations

from icalendar import Calendar, Event

from domain.messages import NotificationMessage

PRODID = "-//trajectories//notifications//EN"


def ics_for(message: NotificationMessage) -> bytes | None:
    """An iCalendar file with one all-day event on the due date, or None when the message has no due date.

    The UID is the notification id, so a re-sent invitation updates the same calendar entry.
    """
    if message.due is None:
        return None
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{message.id}@trajectories")
    event.add("dtstamp", message.created_at)
    event.add("dtstart", message.due.date())
    event.add("summary", message.subject)
    event.add("description", message.body)
    event.add("categories", [message.region, message.kind])
    calendar.add_component(event)
    return calendar.to_ical()
