namespace Jockey.AppHost.Integrations;

/// <summary>
/// The web app's Vite dev server (<c>npm run dev</c>, told its port through <c>PORT</c>). Aspire's own AddViteApp is in
/// Aspire.Hosting.JavaScript, which this feed serves only at 17.0.0 (it would pull Aspire.Hosting 17 into a 13.6 AppHost).
/// </summary>
public static class ViteApp
{
    public static IResourceBuilder<ExecutableResource> AddViteApp(this IDistributedApplicationBuilder builder, string name, string appDirectory, int port)
    {
        var directory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, appDirectory));
        return builder.AddExecutable(name, "npm", directory, "run", "dev", "--silent")
            .WithHttpEndpoint(port: port, env: "PORT")
            .WithEnvironment("NODE_ENV", "development")
            .WithEnvironment("BROWSER", "none")
            .WithHttpHealthCheck("/")
            .WithPrerequisite(() => Prerequisites.FindOnPath("npm") is null
                ? "npm not found: install Node.js 20.19 or newer, then run ./scripts/dev.sh"
                : null)
            .WithPrerequisite(() => Directory.Exists(Path.Combine(directory, "node_modules"))
                ? null
                : $"{Path.GetFileName(directory)}/node_modules is missing: run ./scripts/dev.sh, which runs npm ci");
    }
}
