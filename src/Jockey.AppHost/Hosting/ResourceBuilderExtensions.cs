using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Hosting;

/// <summary>The fluent wiring calls, named and behaving as in Aspire.Hosting.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Sets <c>ConnectionStrings__{name}</c> on this resource.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : Resource
    {
        var target = source.Resource;
        builder.Resource.EnvironmentCallbacks.Add(env => env[$"ConnectionStrings__{target.Name}"] = target.GetConnectionString());
        return builder;
    }

    /// <summary>Sets <c>services__{name}__http__0</c> on this resource, which service discovery resolves as <c>http://{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : Resource
    {
        var target = source.Resource;
        builder.Resource.EnvironmentCallbacks.Add(env =>
        {
            var url = target.GetPublicUrl();
            env[$"services__{target.Name}__{url.Scheme}__0"] = url.ToString().TrimEnd('/');
        });
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : Resource
    {
        builder.Resource.WaitsFor.Add(((Resource)dependency.Resource).ProcessOwner);
        return builder;
    }

    /// <summary>
    /// Sets <paramref name="name"/> on this resource. A null or empty value sets nothing, so an optional setting of
    /// the AppHost can be passed on as it is.
    /// </summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string? value)
        where T : Resource
    {
        if (!string.IsNullOrEmpty(value))
        {
            builder.Resource.EnvironmentCallbacks.Add(env => env[name] = value);
        }
        return builder;
    }

    /// <summary>
    /// Passes a section of the AppHost's own configuration (its appsettings, environment or command line) on to this
    /// resource under the same names, e.g. <c>LocalAgent:Llm:ApiKey</c> as <c>LocalAgent__Llm__ApiKey</c>: a service's
    /// settings can be given where the app is started, while nothing else of the AppHost's environment reaches it.
    /// </summary>
    public static IResourceBuilder<T> WithSettings<T>(this IResourceBuilder<T> builder, IConfigurationSection section)
        where T : Resource
    {
        builder.Resource.EnvironmentCallbacks.Add(env =>
        {
            foreach (var (key, value) in section.AsEnumerable())
            {
                if (!string.IsNullOrEmpty(value)) env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        });
        return builder;
    }

    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas)
        where T : Resource
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>
    /// Gives the resource an HTTP endpoint. <paramref name="port"/> is the dev default; <c>Ports:{name}</c> in
    /// configuration overrides it, and tests always get a free port. <paramref name="env"/> names the variable that
    /// tells each replica the port to bind (PORT for Node apps); .NET projects get ASPNETCORE_URLS instead.
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string? env = null)
        where T : Resource
    {
        builder.Resource.Endpoint = new EndpointSpec("http", port, env);
        return builder;
    }

    /// <summary>The AppHost polls GET <paramref name="path"/>; 2xx means healthy. Feeds WaitFor and the dashboard.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health")
        where T : Resource
    {
        builder.Resource.HealthProbe = new HttpHealthProbe(path);
        return builder;
    }
}
