"""The facilitator dashboard: widgets, the view (what is drawn) and the words (headline sentences)."""
