from django.http import JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect


# ruleid: django-csrf-exempt
@csrf_exempt
def webhook(request):
    payload = json.loads(request.body)
    Event.objects.create(kind=payload["kind"])
    return JsonResponse({"ok": True})


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
        with open(f"/srv/docs/{request.user.pk}.pdf", "wb") as out:
            out.write(request.FILES["doc"].read())
    return JsonResponse({"ok": True})


# ruleid: django-csrf-exempt
@csrf_exempt
def remove(request, pk):
    if request.method == "POST":
        Order.objects.filter(pk=pk).delete()
    return JsonResponse({"ok": True})


# ok: django-csrf-exempt
@csrf_exempt
def page(request):
    # exempt, but it only shows a page: a forged request changes nothing
    if request.user.is_authenticated:
        return render(request, "lab.html")
    return render(request, "login.html")


# ruleid: django-csrf-exempt
@csrf_exempt
def run(request):
    return JsonResponse({"result": eval(request.POST["expression"])})


# ok: django-csrf-exempt
@csrf_exempt
def check_answer(request):
    # reads the POST body but only compares it: a forged request changes nothing
    if request.method != "POST":
        return JsonResponse({"message": "method not allowed"}, status=405)
    return JsonResponse({"passed": request.POST.get("code") == EXPECTED})


# ok: django-csrf-exempt
@csrf_exempt
def lookup(request):
    rows = Account.objects.filter(name=request.POST.get("name"))
    response = render(request, "accounts.html", {"rows": rows})
    response.set_cookie("last", "lookup")
    return response


# ok: django-csrf-exempt
@csrf_exempt
def seed(request):
    # writes, but acts on nothing a forged request sends
    if not Comment.objects.exists():
        Comment.objects.create(name="System", text="welcome")
    return render(request, "comments.html")


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
