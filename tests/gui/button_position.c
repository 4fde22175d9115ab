/* Prints the pixel centre of a button in the board picture of the given size,
 * so window tests can click where the button is drawn.
 *   button_position WIDTH HEIGHT setup|reset   ->  "X Y" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_layout.h"

int main(int argc, char **argv)
{
    struct board_layout layout;
    const struct board_rect *button;

    if (argc != 4) {
        fprintf(stderr, "usage: button_position WIDTH HEIGHT setup|reset\n");
        return 2;
    }
    board_layout_compute(&layout, atoi(argv[1]), atoi(argv[2]));
    button = strcmp(argv[3], "setup") == 0 ? &layout.setup_button : &layout.reset_button;
    printf("%d %d\n", (int)(button->x + button->w / 2), (int)(button->y + button->h / 2));
    return 0;
}
