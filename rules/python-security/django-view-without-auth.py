from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse


# ruleid: django-view-without-auth
def dashboard(request):
    return HttpResponse("hi")


# ok: django-view-without-auth
@login_required
def account(request):
    return HttpResponse("me")


# ok: django-view-without-auth
@permission_required("shop.change_order")
def orders(request, order_id):
    return HttpResponse(str(order_id))


class Helpers:
    # ok: django-view-without-auth
    def view(self, request):
        return request


# ok: django-view-without-auth
def helper(value):
    return value
