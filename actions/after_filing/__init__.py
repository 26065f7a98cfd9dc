"""After filing: news of a report (news.py), answering an agency (reply_form.py), rating (rating_form.py)."""
