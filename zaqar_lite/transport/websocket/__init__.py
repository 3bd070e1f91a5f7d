"""The websocket transport: the v2 API over autobahn on asyncio."""
