/* Saves what an X window shows as a PNG, so window tests can look at the
 * pixels a person would see (QEMU's SDL window under Xvfb), not the
 * machine's own rendering.
 *   window_grab WINDOW_ID FILE.png       (WINDOW_ID decimal or 0x-hex, as xdotool prints) */
#include <X11/Xlib.h>
#include <cairo-xlib.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    XWindowAttributes attributes;
    Display *display;
    Window window;
    char *end;

    if (argc != 3) {
        fprintf(stderr, "usage: window_grab WINDOW_ID FILE.png\n");
        return 2;
    }
    window = strtoul(argv[1], &end, 0);
    if (*argv[1] == '\0' || *end != '\0') {
        fprintf(stderr, "window_grab: '%s' is not a window id\n", argv[1]);
        return 2;
    }
    display = XOpenDisplay(NULL);
    if (!display) {
        fprintf(stderr, "window_grab: cannot open the display (DISPLAY=%s)\n",
                getenv("DISPLAY") ? getenv("DISPLAY") : "");
        return 1;
    }
    if (!XGetWindowAttributes(display, window, &attributes)) {
        fprintf(stderr, "window_grab: no window %s\n", argv[1]);
        return 1;
    }
    cairo_surface_t *source = cairo_xlib_surface_create(display, window, attributes.visual,
                                                        attributes.width, attributes.height);
    cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, attributes.width,
                                                        attributes.height);
    cairo_t *cr = cairo_create(image);
    cairo_set_source_surface(cr, source, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_status_t status = cairo_surface_write_to_png(image, argv[2]);
    cairo_surface_destroy(image);
    cairo_surface_destroy(source);
    XCloseDisplay(display);
    if (status != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "window_grab: cannot write %s: %s\n", argv[2], cairo_status_to_string(status));
        return 1;
    }
    return 0;
}
