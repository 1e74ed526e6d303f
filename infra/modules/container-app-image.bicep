// The image a Container App runs now, read before the app is updated. A separate deployment, because an app
// cannot read its own current state in the template that redeploys it.
param name string
param exists bool
param fallbackImage string

resource app 'Microsoft.App/containerApps@2024-03-01' existing = if (exists) {
  name: name
}

output image string = exists ? app!.properties.template.containers[0].image : fallbackImage
