using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Narration;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedis("redis");
builder.AddBlobStorage("blobs");
builder.AddNarration();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapNarrationApi();

app.Run();

// Lets the test project reach the entry assembly.
public partial class Program;
