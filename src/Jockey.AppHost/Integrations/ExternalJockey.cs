namespace Jockey.AppHost.Integrations;

public static class ExternalJockey
{
    /// <summary>
    /// A Jockey (LangGraph) server the AppHost does not run. A <c>Jockey__Url</c> that is not an http(s) URL is reported
    /// with the other prerequisites (one line, exit code 1) rather than as Aspire's exception from inside Program.cs.
    /// </summary>
    public static IResourceBuilder<ExternalServiceResource> AddExternalJockey(this IDistributedApplicationBuilder builder, string name, string url)
    {
        var valid = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        return builder.AddExternalService(name, valid ? uri! : new Uri("http://invalid.invalid/"))
            .WithPrerequisite(() => valid ? null
                : $"Jockey__Url is '{url}', which is not an absolute http(s) URL: set it to the {name} server's address (such as http://127.0.0.1:8123) or unset it");
    }
}
