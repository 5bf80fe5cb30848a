from shop.api import handlers

ROUTES = [handlers.index]
