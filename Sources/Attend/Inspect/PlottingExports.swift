// Figures are part of the library's public face: `import Attend` gives Canvas, Heatmap, PNG.
@_exported import Plotting
