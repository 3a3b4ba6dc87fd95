// Starts GraphiQL on the explorer page (portal/templates/graphiql.html). A file, not an inline
// <script>: the Content-Security-Policy allows no inline script. The endpoint and the example
// query come from the container's data attributes, written by the template.
(function () {
  "use strict";
  var container = document.getElementById("graphiql");
  var endpoint = container.dataset.endpoint;
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    var note = document.createElement("p");
    note.className = "api-fallback";
    note.textContent = "查询界面的脚本未能加载。接口本身仍可用:以 POST " + endpoint + " 提交 JSON 查询。";
    container.replaceChildren(note);
    return;
  }
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: container.dataset.defaultQuery,
      isHeadersEditorEnabled: false,
    })
  );
})();
