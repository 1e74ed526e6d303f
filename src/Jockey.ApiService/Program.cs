using Jockey.ApiService.Auth;
using Jockey.ApiService.Config;
using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Library;
using Jockey.ApiService.Media;
using Jockey.ApiService.Narration;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Streaming;
using Jockey.ApiService.Threads;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedis("redis");
builder.AddBlobStorage("blobs");
builder.AddHttpHardening();
builder.AddAuth();
builder.AddJockeyClient();
builder.AddRuns();
builder.AddStreaming();
builder.AddMedia();
builder.AddNarration();
builder.AddWatchers();
builder.AddLibrary();
builder.AddApiDocs();

var app = builder.Build();

app.UseHttpHardening();
app.UseSessionGate();
// SSE streams end the pipeline here (short-circuit endpoints, StreamApi): what comes after waits on each request, and
// would be held for a stream's whole life.
app.UseRouting();
app.UseStatusCodePages();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapAuthApi();
app.MapApiDocs();
app.MapProcessApi();
app.MapThreadsApi();
app.MapSharesApi();
app.MapWatchersApi();
app.MapLibraryApi();
app.MapStreamApi();
app.MapJockeyHub();
app.MapMediaApi();
app.MapNarrationApi();
app.MapConfigApi();

app.Run();

// Lets the test project reach the entry assembly.
public partial class Program;
