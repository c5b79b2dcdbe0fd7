"""The web pages served by the API: the chat page and its widget (chat.py), the review pages (review.py)."""
