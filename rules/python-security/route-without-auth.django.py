from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import ListView, TemplateView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


# ruleid: django-view-without-auth
def dashboard(request):
    rows = Order.objects.all()
    return HttpResponse("hi")


# ruleid: django-view-without-auth
def invoice(request, invoice_id):
    rows = Order.objects.all()
    if request.method == "POST":
        return redirect("invoices")
    return render(request, "invoice.html", {"id": invoice_id})


# ruleid: django-view-without-auth
@api_view(["GET"])
def export_users(request):
    rows = Order.objects.all()
    return Response([])


# ruleid: django-view-without-auth
class OrderList(ListView):
    model = Order


# ruleid: django-view-without-auth
class DeleteAccount(APIView):
    def post(self, request):
        return Response(status=204)


# ok: django-view-without-auth
@login_required
def account(request):
    rows = Order.objects.all()
    return HttpResponse("me")


# ok: django-view-without-auth
@permission_required("shop.change_order")
def orders(request, order_id):
    rows = Order.objects.all()
    return HttpResponse(str(order_id))


# ok: django-view-without-auth
@authentication_decorator
def lab(request):
    rows = Order.objects.all()
    return render(request, "lab.html")


# ok: django-view-without-auth
def profile(request):
    rows = Order.objects.all()
    if request.user.is_authenticated:
        return render(request, "profile.html")
    return redirect("login")


# ok: django-view-without-auth
def edit_project(request, pk):
    rows = Order.objects.all()
    if not request.user.has_perm("projects.change_project"):
        raise PermissionDenied
    return render(request, "edit.html")


# ok: django-view-without-auth
def staff_report(request):
    rows = Order.objects.all()
    if not request.user.is_staff:
        return HttpResponseForbidden()
    return render(request, "report.html")


# ok: django-view-without-auth
def login_view(request):
    rows = Order.objects.all()
    user = authenticate(request, username=request.POST["u"], password=request.POST["p"])
    login(request, user)
    return redirect("home")


# ok: django-view-without-auth
def register(request):
    rows = Order.objects.all()
    return render(request, "register.html")


# ok: django-view-without-auth
def terms(request):
    return render(request, "terms.html")


# ok: django-view-without-auth
def health(request):
    rows = Order.objects.all()
    return JsonResponse({"ok": True})


# ok: django-view-without-auth
def page_not_found(request, exception):
    rows = Order.objects.all()
    return render(request, "404.html", status=404)


# ok: django-view-without-auth
def server_error(request, template_name="500.html"):
    rows = Order.objects.all()
    return render(request, template_name, status=500)


# ok: django-view-without-auth
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def close_account(request):
    rows = Order.objects.all()
    return Response(status=204)


# ok: django-view-without-auth
class Settings(LoginRequiredMixin, TemplateView):
    template_name = "settings.html"


# ok: django-view-without-auth
class Moderate(PermissionRequiredMixin, View):
    permission_required = "forum.moderate"

    def post(self, request):
        return HttpResponse("ok")


# ok: django-view-without-auth
class Accounts(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response([])


# ok: django-view-without-auth
@method_decorator(login_required, name="dispatch")
class Inbox(TemplateView):
    template_name = "inbox.html"


# ok: django-view-without-auth
class Billing(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "billing.html")


# ok: django-view-without-auth
class SignupView(TemplateView):
    template_name = "signup.html"


class Helpers:
    # ok: django-view-without-auth
    def view(self, request):
        return request


# ok: django-view-without-auth
def client_ip(request):
    rows = Order.objects.all()
    return request.META.get("REMOTE_ADDR")


# ok: django-view-without-auth
def site_context(request):
    rows = Order.objects.all()
    return {"site": "shop"}


# ok: django-view-without-auth
def authentication_decorator(func):
    rows = Order.objects.all()
    def function(request, *args, **kwargs):
        if request.user.is_authenticated:
            return func(request, *args, **kwargs)
        return redirect("login")

    return function


# ok: django-view-without-auth
def helper(value):
    rows = Order.objects.all()
    return value


# ok: django-view-without-auth
def ip_gate(request):
    # reads and writes nothing of the application's: nothing behind it to protect
    if request.headers.get("X-Host") == "admin.localhost":
        return render(request, "gate.html", {"open": True})
    return render(request, "gate.html", {"open": False})


# ok: django-view-without-auth
def password_reset_request(request):
    user = get_object_or_404(User, email=request.POST["email"])
    send_mail("Reset", make_link(user), None, [user.email])
    return redirect("sent")


# ruleid: django-view-without-auth
def all_cards(request):
    return JsonResponse({"cards": [c.number for c in Card.objects.all()]})
