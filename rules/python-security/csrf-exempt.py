from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect


# ruleid: django-csrf-exempt
@csrf_exempt
def webhook(request):
    return JsonResponse({"ok": True})


# ok: django-csrf-exempt
@csrf_protect
def form(request):
    return JsonResponse({"ok": True})


# ruleid: django-csrf-exempt
@method_decorator(csrf_exempt, name="dispatch")
class Hook:
    pass


# ruleid: django-csrf-exempt
legacy = csrf_exempt(form)
