"""zaqar-lite: a message-queue service speaking OpenStack Zaqar's v2 API."""
