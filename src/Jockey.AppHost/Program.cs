using Jockey.AppHost.Integrations;

// The app model. Aspire (DCP and its dashboard) runs it; Redis, Azurite and Vite are local executables, not containers.
var builder = DistributedApplication.CreateBuilder(args);
var dataDirectory = builder.DataDirectory();

var redis = builder.AddRedisServer("redis")
    .WithDataDirectory(dataDirectory);

var blobs = builder.AddAzurite("storage")
    .WithDataDirectory(dataDirectory)
    .AddBlobs("blobs");

var api = builder.AddProject<Projects.Jockey_ApiService>("apiservice")
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WithReference(blobs)
    .WithSettings(builder.Configuration.GetSection("Jockey"))
    .WithSettings(builder.Configuration.GetSection("Narration"))
    .WithSettings(builder.Configuration.GetSection("Auth"))
    .WaitFor(redis)
    .WaitFor(blobs)
    .WithReplicas(int.Parse(builder.Configuration["ApiService:Replicas"] ?? "2"));

// A real Jockey (LangGraph) server when Jockey__Url is set; otherwise the embedded local agent.
if (builder.Configuration["Jockey:Url"] is { Length: > 0 } jockeyUrl)
{
    var external = builder.AddExternalJockey("jockey", jockeyUrl);
    api.WithReference(external).WaitFor(external);
}
else
{
    var agent = builder.AddProject<Projects.Jockey_LocalAgent>("jockey")
        .WithHttpHealthCheck("/health")
        .WithPrerequisite(Prerequisites.OnPath("ffmpeg"))
        .WithSettings(builder.Configuration.GetSection("LocalAgent"));
    api.WithReference(agent).WaitFor(agent);
}

builder.AddViteApp("web", "../Jockey.Web", port: 5173)
    .WithReference(api)
    .WaitFor(api);

// A missing program or package ends the AppHost here, before anything starts: one line per problem, exit code 1.
if (Prerequisites.FindProblems(builder) is [_, ..] problems)
{
    foreach (var problem in problems) Console.Error.WriteLine(problem);
    return 1;
}

await builder.Build().RunAsync();
return 0;
