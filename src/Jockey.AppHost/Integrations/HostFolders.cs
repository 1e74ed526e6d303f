using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Integrations;

/// <summary>Where things are: the repository (node_modules, the web app) and the folder dev data is kept in.</summary>
public static class HostFolders
{
    /// <summary>The repository root (the folder of Jockey.sln), where node_modules and the web app are.</summary>
    public static string RepositoryRoot(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));

    /// <summary>
    /// Where Redis and Azurite keep their data across runs (AppHost__DataDirectory, by default
    /// ~/.local/share/jockey/apphost); set to empty, nothing is kept (the tests do).
    /// </summary>
    public static string? DataDirectory(this IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["AppHost:DataDirectory"];
        if (configured is not null) return configured.Length == 0 ? null : configured;
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "jockey", "apphost");
    }
}
