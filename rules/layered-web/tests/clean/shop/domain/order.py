class Order:
    def __init__(self, row):
        self.row = row
