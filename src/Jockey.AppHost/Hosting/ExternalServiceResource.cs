namespace Jockey.AppHost.Hosting;

/// <summary>A service the AppHost does not run (a real Jockey server); referencing it passes its URL on.</summary>
public sealed class ExternalServiceResource(string name, Uri url) : Resource(name), IResourceWithServiceDiscovery
{
    public override string Kind => "External service";

    public Uri Url { get; } = url;

    public Uri GetPublicUrl() => Url;

    internal override ProcessSpec? CreateProcess(InstanceContext context) => null;
}

public static class ExternalServiceBuilderExtensions
{
    public static IResourceBuilder<ExternalServiceResource> AddExternalService(this DistributedApplicationBuilder builder, string name, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"The URL given for '{name}' ('{url}') is not an absolute http(s) URL.");
        }
        return builder.AddResource(new ExternalServiceResource(name, uri));
    }
}
