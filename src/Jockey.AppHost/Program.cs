using Jockey.AppHost.Hosting;

// The app model, written as an Aspire AppHost. Jockey.AppHost/Hosting runs it without containers or DCP.
// Services get Aspire's variables and what is set here, never the rest of the AppHost's environment.
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis")
    .WithDataVolume();

var blobs = builder.AddAzureStorage("storage")
    .RunAsEmulator(emulator => emulator.WithDataVolume())
    .AddBlobs("blobs");

// A real Jockey (LangGraph) server when Jockey__Url is set; otherwise the embedded local agent.
var jockeyUrl = builder.Configuration.GetSection("Jockey:Url");
IResourceBuilder<IResourceWithServiceDiscovery> jockey = jockeyUrl.Value is { Length: > 0 }
    ? builder.AddExternalService("jockey", jockeyUrl)
    : builder.AddProject("jockey", "../Jockey.LocalAgent/Jockey.LocalAgent.csproj")
        .WithHttpEndpoint(port: 8123)
        .WithHttpHealthCheck("/health")
        .WithSettings(builder.Configuration.GetSection("LocalAgent"));

var api = builder.AddProject("apiservice", "../Jockey.ApiService/Jockey.ApiService.csproj")
    .WithHttpEndpoint(port: 9000)
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WithReference(blobs)
    .WithReference(jockey)
    .WithSettings(builder.Configuration.GetSection("Jockey"))
    .WithSettings(builder.Configuration.GetSection("Narration"))
    .WaitFor(redis)
    .WaitFor(blobs)
    .WaitFor(jockey)
    .WithReplicas(builder.Configuration.GetValue("ApiService:Replicas", 2));

builder.AddViteApp("web", "../Jockey.Web")
    .WithHttpEndpoint(port: 5173, env: "PORT")
    .WithReference(api)
    .WaitFor(api);

await builder.Build().RunAsync();
