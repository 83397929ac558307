/* Starts the vendored Swagger UI on /api/v1/docs (a static file: the CSP forbids inline
   scripts). The spec URL comes from the page; the online validator badge is turned off. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    supportedSubmitMethods: ["get"]
  });
}());
