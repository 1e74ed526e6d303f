using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Hosting;

/// <summary>A service the AppHost does not run (a real Jockey server); referencing it passes its URL on.</summary>
public sealed class ExternalServiceResource(string name, string url, string setting) : Resource(name), IResourceWithServiceDiscovery
{
    public override string Kind => "External service";

    /// <summary>The configuration key the URL came from, as an environment variable (Jockey__Url).</summary>
    public string Setting { get; } = setting;

    public Uri Url => TryParse(url) ?? throw new InvalidOperationException(InvalidUrl);

    public Uri GetPublicUrl() => Url;

    // Checked with the other prerequisites, so a typo ends the AppHost with one line instead of a stack trace.
    internal override string? FindMissingPrerequisite(HostPaths paths) => TryParse(url) is null ? InvalidUrl : null;

    private string InvalidUrl =>
        $"{Setting} is '{url}', which is not an absolute http(s) URL: set it to the {Name} server's address (such as http://127.0.0.1:8123) or unset it";

    internal override ProcessSpec? CreateProcess(InstanceContext context) => null;

    private static Uri? TryParse(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}

public static class ExternalServiceBuilderExtensions
{
    /// <summary>An external service whose URL is a configuration value (Aspire's AddExternalService with a parameter).</summary>
    public static IResourceBuilder<ExternalServiceResource> AddExternalService(this DistributedApplicationBuilder builder, string name, IConfigurationSection url) =>
        builder.AddResource(new ExternalServiceResource(name, url.Value ?? "", url.Path.Replace(":", "__")));
}
