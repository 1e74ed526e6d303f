using Microsoft.Extensions.Configuration;

namespace Jockey.AppHost.Integrations;

/// <summary>Something a resource needs before it can start; the check returns one line naming the fix, or null.</summary>
public sealed record PrerequisiteAnnotation(Func<string?> Check) : IResourceAnnotation;

/// <summary>
/// What must hold before anything starts. DCP would otherwise start the rest and leave one resource
/// FailedToStart with a stack trace in its log; a fresh machine deserves one line saying what to run.
/// </summary>
public static class Prerequisites
{
    public static IResourceBuilder<T> WithPrerequisite<T>(this IResourceBuilder<T> builder, Func<string?> check) where T : IResource =>
        builder.WithAnnotation(new PrerequisiteAnnotation(check));

    /// <summary>A program on PATH that ./scripts/dev.sh installs (redis-server, ffmpeg).</summary>
    public static Func<string?> OnPath(string program) =>
        () => FindOnPath(program) is null ? $"{program} not found: run ./scripts/dev.sh, which installs it" : null;

    public static IReadOnlyList<string> FindProblems(IDistributedApplicationBuilder builder) =>
        [.. builder.Resources
            .SelectMany(r => r.Annotations.OfType<PrerequisiteAnnotation>())
            .Select(p => p.Check())
            .OfType<string>()
            .Distinct()];

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

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
