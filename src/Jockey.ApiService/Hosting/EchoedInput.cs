namespace Jockey.ApiService.Hosting;

/// <summary>Client input quoted back in an error message: cut short, so a huge value cannot bloat the answer.</summary>
public static class EchoedInput
{
    public static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
