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
}
