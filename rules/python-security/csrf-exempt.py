from django.http import JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect


# ruleid: django-csrf-exempt
@csrf_exempt
def webhook(request):
    payload = request.body
    return JsonResponse({"ok": bool(payload)})


# ruleid: django-csrf-exempt
@csrf_exempt
def change_email(request):
    if request.user.is_authenticated:
        request.user.email = request.POST["email"]
        request.user.save()
    return JsonResponse({"ok": True})


# ruleid: django-csrf-exempt
@csrf_exempt
def upload(request):
    if request.method == "POST":
        handle(request.FILES["doc"])
    return JsonResponse({"ok": True})


# ruleid: django-csrf-exempt
@csrf_exempt
def remove(request, pk):
    Order.objects.filter(pk=pk).delete()
    return JsonResponse({"ok": True})


# ok: django-csrf-exempt
@csrf_exempt
def page(request):
    # exempt, but it only shows a page: a forged request changes nothing
    if request.user.is_authenticated:
        return render(request, "lab.html")
    return render(request, "login.html")


# ok: django-csrf-exempt
@csrf_protect
def form(request):
    return JsonResponse({"ok": request.POST.get("x")})


# ruleid: django-csrf-exempt
@method_decorator(csrf_exempt, name="dispatch")
class Hook:
    pass


# ruleid: django-csrf-exempt
legacy = csrf_exempt(form)
