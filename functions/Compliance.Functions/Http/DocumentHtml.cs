using System.Net;
using System.Text;
using Compliance.Exports;

namespace Compliance.Functions.Http;

/// <summary>
/// A printable page for a filled-in form. Written out by hand: the page is a heading and a list of
/// labelled values per section, which a template engine would only wrap; every value is HTML-encoded.
/// </summary>
public static class DocumentHtml
{
    public static string Render(TcoDocument document)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
        var html = new StringBuilder()
            .Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>Annex ").Append(E(document.Annex)).Append(" — ").Append(E(document.Title)).Append("</title>\n")
            .Append("<style>body{font:11pt/1.4 serif;max-width:48rem;margin:2rem auto;padding:0 1rem}h1{font-size:15pt}h2{font-size:12pt;border-bottom:1px solid #000}")
            .Append("dl{display:grid;grid-template-columns:minmax(10rem,1fr) 2fr;gap:.25rem 1rem}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}@media print{body{margin:0}}</style>\n")
            .Append("</head>\n<body>\n<header>\n<p>").Append(E(document.Regulation)).Append("</p>\n")
            .Append("<h1>Annex ").Append(E(document.Annex)).Append(": ").Append(E(document.Title)).Append("</h1>\n")
            .Append("<p>Order <code>").Append(E(document.OrderId)).Append("</code></p>\n</header>\n");
        foreach (var section in document.Sections)
        {
            html.Append("<section>\n<h2>Section ").Append(E(section.Letter)).Append(": ").Append(E(section.Heading)).Append("</h2>\n<dl>\n");
            foreach (var field in section.Fields)
            {
                html.Append("<dt>").Append(E(field.Label)).Append("</dt><dd data-key=\"").Append(E(field.Key)).Append("\">").Append(field.Value is null ? "<em>not given</em>" : E(field.Value)).Append("</dd>\n");
            }

            html.Append("</dl>\n</section>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }
}
