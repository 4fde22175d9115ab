/* Prints the colour at the RGB LED's centre in a board picture (a screenshot
 * written by the photon machine), so tests can check what a person would see.
 *   led_pixel FILE.png  ->  "R G B" (0..255) */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

#include "board_layout.h"

int main(int argc, char **argv)
{
    cairo_surface_t *png;
    struct board_layout layout;

    if (argc != 2) {
        fprintf(stderr, "usage: led_pixel FILE.png\n");
        return 2;
    }
    png = cairo_image_surface_create_from_png(argv[1]);
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "led_pixel: cannot read %s\n", argv[1]);
        return 1;
    }
    int width = cairo_image_surface_get_width(png), height = cairo_image_surface_get_height(png);
    board_layout_compute(&layout, width, height);
    const uint8_t *row = cairo_image_surface_get_data(png) +
                         (int)layout.rgb_led_y * cairo_image_surface_get_stride(png);
    uint32_t pixel = ((const uint32_t *)row)[(int)layout.rgb_led_x];
    printf("%u %u %u\n", (pixel >> 16) & 0xFF, (pixel >> 8) & 0xFF, pixel & 0xFF);
    cairo_surface_destroy(png);
    return 0;
}
