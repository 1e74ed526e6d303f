using System.Collections;

namespace Jockey.AppHost.Orchestration;

/// <summary>
/// The environment a replica's process starts with, chosen on purpose rather than copied from the AppHost's own:
/// what any program needs to run here (PATH, HOME, locale, proxies, .NET and Node settings), Aspire's contract, and
/// what Program.cs sets on the resource. So a service sees the same variables under ./scripts/dev.sh as under the
/// testing builder, and a setting meant for the AppHost (Jockey__Url) never reaches a service by accident.
/// </summary>
internal static class ResourceEnvironment
{
    private static readonly HashSet<string> PassedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
    };

    // OTEL_EXPORTER_OTLP_*: a collector the developer runs, which Aspire would point at its dashboard instead.
    private static readonly string[] PassedPrefixes = ["LC_", "XDG_", "DOTNET_", "NODE_", "NPM_CONFIG_", "OTEL_EXPORTER_OTLP_"];

    public static Dictionary<string, string> For(ResourceInstance instance)
    {
        var environment = new Dictionary<string, string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (PassedNames.Contains(name) || PassedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                environment[name] = (string?)entry.Value ?? "";
            }
        }

        environment["OTEL_SERVICE_NAME"] = instance.Resource.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instance.InstanceId}";
        environment["ASPNETCORE_ENVIRONMENT"] = environment["DOTNET_ENVIRONMENT"] = "Development";
        if (instance.Resource.Endpoint?.PortEnvironmentVariable is { } portVariable)
        {
            environment[portVariable] = instance.Port.ToString();
        }
        foreach (var callback in instance.Resource.EnvironmentCallbacks)
        {
            callback(environment);
        }
        return environment;
    }
}
