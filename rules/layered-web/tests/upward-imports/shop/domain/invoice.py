from shop.helpers import render


class Invoice:
    def __init__(self, row):
        self.row = row

    def html(self):
        from shop.api.views import pay  # domain reaching up into the web layer

        return render(pay)
