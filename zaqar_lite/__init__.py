"""zaqar-lite: a small message-queue service speaking OpenStack Zaqar's v2 API."""
