/* The organisation dashboard's script: only says the page is ready (it is drawn on the server). */
(function () {
  "use strict";
  document.documentElement.setAttribute("data-ready", "1");
})();
