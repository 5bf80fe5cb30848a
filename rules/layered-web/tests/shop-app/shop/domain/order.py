class Order:
    def __init__(self, payload):
        self.payload = payload


def render():
    from shop.api import views  # domain reaching up into the API layer

    return views
