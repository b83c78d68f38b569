window.dash_clientside = Object.assign({}, window.dash_clientside, {
  dashboard: {
    // Keep <html lang> in step with ?lang= after client-side navigation.
    setLang: function (search) {
      var params = new URLSearchParams(search || "");
      var lang = params.get("lang") === "en" ? "en" : "nb";
      document.documentElement.setAttribute("lang", lang);
      return lang;
    },
    // The "print / save as PDF" button opens the browser's print dialog.
    print: function (clicks) {
      if (clicks) { window.print(); }
      return "";
    }
  }
});
