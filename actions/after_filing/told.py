"""Where a piece of news ends: the NEWS_TOLD marker (common/messages.py) that each action telling news
(news.py, and the filing's own delivery notice in report/submission.py) puts after its words, so that the
notifier asks the question that follows only once per burst (bot/notifier/burst.py). A module of its own:
both the news and the filing use it, and the news imports the forms the filing's module leads to."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.after_filing import texts
from actions.report.draft import resume_lead_in
from common.messages import THEN_NEW, THEN_OPEN, news_told


def end_of_news(dispatcher: CollectingDispatcher, tracker: Tracker, starts_form: bool) -> None:
    """Marks where the news ends: what follows is a form the news starts (a report being written waits for
    it, and the citizen hears so), or the open step again."""
    if starts_form:
        if tracker.active_loop_name == "report_form":
            dispatcher.utter_message(text=texts.DRAFT_WAITS)
        dispatcher.utter_message(json_message=news_told(THEN_NEW))
        return
    resume = resume_lead_in(tracker) if tracker.active_loop_name == "report_form" else ""
    dispatcher.utter_message(json_message=news_told(THEN_OPEN, resume))
