// The interactive API reference (/docs): Swagger UI, vendored (scripts/vendor_frontend.py), over /openapi.json.
// A script file rather than an inline one, so the page runs under the same Content-Security-Policy as the app.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false, // a token typed here is not kept in the browser
  layout: "BaseLayout",
});
